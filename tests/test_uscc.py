import numpy as np

from settlement.uscc import check_character, make_uscc, uscc_valid


def test_standard_worked_example():
    assert uscc_valid(["91350100M000100Y43"]).tolist() == [True]
    assert check_character("91350100M000100Y4") == "3"


def test_authorities_n_and_y():
    for authority in ("N", "Y"):
        code = make_uscc(authority, "1", "330282", "MA1234567")
        assert uscc_valid([code]).tolist() == [True]


def test_rejections():
    good = "91350100M000100Y43"
    cases = [
        good[:-1] + "4",  # wrong check character
        good.lower(),  # lower case
        "9135010OM000100Y43",  # excluded letter O
        good[:-1],  # too short
        good + "0",  # too long
        "0" + good[1:],  # authority 0 is not allowed
        "91A50100M000100Y43",  # positions 3-8 must be digits
        "",
    ]
    assert uscc_valid(cases).tolist() == [False] * len(cases)


def test_vectorized_many():
    codes = [make_uscc("9", "1", "330108", f"MA{i:07d}") for i in range(1000)]
    assert uscc_valid(np.array(codes)).all()


def _one_by_one(code) -> bool:
    """The standard read literally, one code at a time."""
    from settlement.uscc import ALPHABET, AUTHORITIES

    code = "" if code is None else str(code)
    return (
        len(code) == 18
        and all(c in ALPHABET for c in code)
        and code[0] in AUTHORITIES
        and all(c in "0123456789" for c in code[2:8])
        and check_character(code[:17]) == code[17]
    )


def test_vectorized_equals_the_standard_one_by_one():
    from settlement.uscc import ALPHABET

    rng = np.random.default_rng(7)
    noise = list(ALPHABET + "IOSVZ az中é０１\x00")
    good = [
        make_uscc(
            rng.choice(list("123456789ANY")),
            "1",
            "".join(rng.choice(list("0123456789"), 6)),
            "".join(rng.choice(list(ALPHABET), 9)),
        )
        for _ in range(3000)
    ]
    changed = []
    for code in good[:2000]:
        i = int(rng.integers(0, 18))
        changed.append(code[:i] + rng.choice(noise) + code[i + 1 :])
    random = ["".join(rng.choice(noise, int(rng.integers(0, 21)))) for _ in range(3000)]
    codes = [*good, *changed, *random, "", "9" * 40, None, 5]
    assert uscc_valid(np.array(codes, dtype=object)).tolist() == [_one_by_one(c) for c in codes]
    assert uscc_valid(codes).tolist() == [_one_by_one(c) for c in codes]
