# The shipped policies (rules/*): their own test cases pass, every rule fires
# in some case, and they load and lint without errors.
gavel test -p rules/in-it-act-69a
status 0
stdout_has "27 of 27 rules fired"
stdout_has ", 0 failed"
gavel test -p rules/platform-manipulation
status 0
stdout_has "5 of 5 rules fired"
stdout_has ", 0 failed"
gavel check -p rules/in-it-act-69a
status 0
gavel check -p rules/platform-manipulation
status 0
