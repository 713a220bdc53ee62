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

# explain on the s.69A policy: the press exemption's counterfactual reads
# as a lawyer would put it.
O=examples/farmers-protest/order-2021-01-31.yaml
gavel explain -p rules/in-it-act-69a --context $O tests/data/s69a-politician-anon.json
status 0
stdout_has "acc_0002: keep"
stdout_has "without ex.press_politics, this record would be withhold, by ground.public_order: post p1 contains incitement"
gavel explain -p rules/in-it-act-69a --context $O tests/data/s69a-politician.json
stdout_has "without ex.press_politics, this record would be review, by proc.no_hearing: order MeitY/69A/2021-01-31 was made under the standard procedure"
stdout_has "set aside by ex.press_politics"
gavel explain -p rules/in-it-act-69a --context $O -f json tests/data/s69a-politician-anon.json
stdout_has '{"without":"ex.press_politics","decision":"withhold","rules":["ground.public_order"]}'
