"""kind ``external``: a clause whose amount another document sets. An application filed under it
gives a line that pays nothing and says why."""

NO_AMOUNT = "由其他文件规定"
