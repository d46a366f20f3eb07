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
