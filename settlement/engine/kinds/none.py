"""kind ``none``: a clause with no amount of its own (a definition, a procedure). An application
filed under it gives a line that pays nothing and says why."""

NO_AMOUNT = "无金额"
