"""The demo sign-ins, in plain Python: `make run` prints them before Django is set up,
`seed_demo` creates them (with the rest of the demo organisation in ``people.demo``)."""

DEMO_PASSWORD = "oneonone-demo"  # noqa: S105 -- the published demo password

# email, who (as the README's "Demo sign-ins" table says)
DEMO_SIGN_INS = (
    ("manager@example.com", "Morgan Reid, Engineering Manager with four reports"),
    ("employee@example.com", "Emma Clarke, one of Morgan's reports"),
    ("hr@example.com", "Harriet Osei, HR"),
    ("admin@example.com", "Alex Admin, admin site"),
    ("manager2@example.com", "Jordan Blake, Customer Success Lead (with a new starter)"),
    ("director@example.com", "Dana Whitfield, both managers' manager"),
)
