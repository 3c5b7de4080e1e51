# docs/examples/budget.py
"""Counting requests, a strict budget (lazy=False), per-call options and response metadata."""

import las

session = las.get_default_session()
dataset = las.Dataset.create(name="budget")
for number in range(5):
    dataset.documents.create(f"%PDF-1.4 page {number}".encode())

# Every object and page knows the answer it came from.
page = las.Document.list(dataset=dataset, page_size=5)
info = page.response_info
print(info.method, info.path, info.status, info.attempts, info.request_id is not None)

# Count requests to catch N+1 patterns in your own tests.
before = session.request_count
held = [(d.created_time, d.consent_id) for d in las.Document.all(dataset=dataset)]  # no request each
print(session.request_count - before)  # 1: the page

# A strict budget: objects of this session never load by themselves.
strict = session.with_options(lazy=False)
[first, *_] = las.Document.all(dataset=dataset, session=strict)
try:
    print(first.content)
except las.NotLoadedError as error:
    print(error)  # names the field and the call that would load it
print(first.load().content[:8])  # explicit: one request

# Options for one call or one block of calls; the pool and the token are shared.
quick = session.with_options(timeout=2, max_retries=0)
print(las.Dataset.get(dataset.id, session=quick).name)

# Or watch every answer.
seen = []
session.add_response_hook(lambda info: seen.append((info.method, info.path)))
dataset.refresh()
print(seen[-1] == ("GET", f"/datasets/{dataset.id}"))
