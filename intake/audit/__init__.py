"""The processing log (DOMAIN §6, Decree 13/2023/NĐ-CP): who changed users, roles, units,
fields, procedures, routing rules, deadline policies and the calendar (before → after), and who
looked at an item's personal data. Append-only; searchable by administrators and supervisors."""
