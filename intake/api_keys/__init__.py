"""Keys for other systems: client apps (a provincial super-app, a kiosk, an Open311 client)
and officers' personal tokens. One table, two kinds; the doors (``intake.api``, Open311) ask
``authenticate`` who is calling and never see a key's digest."""
