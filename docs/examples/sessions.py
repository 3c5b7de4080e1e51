# docs/examples/sessions.py
"""Choosing the session: the default one, an explicit one, or several side by side."""

import os

import las

# The default session is created on first use from the environment or ~/.lucidtech.
default = las.get_default_session()

# An explicit session, e.g. with other credentials, timeouts or retries.
credentials = las.Credentials(
    os.environ["LAS_CLIENT_ID"],
    os.environ["LAS_CLIENT_SECRET"],
    auth_endpoint=os.environ["LAS_AUTH_ENDPOINT"],
    api_endpoint=os.environ["LAS_API_ENDPOINT"],
)
other = las.Session(credentials, max_retries=8)

dataset = las.Dataset.create(name="with the other session", session=other)  # a las.Client works too
print(dataset.session is other)

# Objects remember their session: relationships and verbs use it.
document = dataset.documents.create(b"%PDF-1.4 x")
print(document.session is other, document.dataset == dataset)

# Replace the default for every call that does not say session=, inside a block only.
with las.using_session(other):
    print(dataset in list(las.Dataset.all()))
print(las.get_default_session() is default)  # the one before, restored

# Or for the rest of the program.
las.set_default_session(other)
las.set_default_session(default)
