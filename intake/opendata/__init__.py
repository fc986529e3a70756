"""Open data: what the datasets are (``catalogue``) and how their files are read and written,
streamed (``files``). The downloads themselves are views of the public blueprint
(``intake.public.open_data``)."""
