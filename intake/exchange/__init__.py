"""Exchange with the national system for PAKN (Hệ thống thông tin tiếp nhận, trả lời PAKN of
the Cổng Dịch vụ công quốc gia): batches of items it forwards come in, the status changes and
published answers of those items go back. Its live interface is not open to us, so files carry
both ways; a live connector replaces ``transport.FileTransport`` and nothing else.

- ``batch``: the incoming format (JSON, XLSX), read and checked line by line;
- ``importing``: a checked batch becomes ordinary cases, once per national code;
- ``export``: the outgoing format, the events since a given time;
- ``transport``: where batches come from and exports go to;
- ``models``: the record of every run.
"""
