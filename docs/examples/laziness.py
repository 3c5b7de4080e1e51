# docs/examples/laziness.py
"""What costs a request: lazy fields, load() and refresh(), and counting requests."""

import pickle

import las

dataset = las.Dataset.create(name="scans")
for number in range(3):
    dataset.documents.create(f"%PDF-1.4 scan {number}".encode(), retention_in_days=30)

# Listed objects carry every field the API lists. An optional field the API left out is None:
# reading it never costs a request.
listed = list(las.Document.all(dataset=dataset))
print([(document.consent_id, document.retention_in_days) for document in listed])

# Only the fields each class declares lazy (Document.content, Asset.content) are left out of
# lists; reading one loads the full body, once.
first = listed[0]
print(first.loaded)  # False: a listed object
print(first.content[:8])  # one GET, now
print(first.loaded)  # True

# load() fetches the full body if the object lacks it; refresh() always fetches again.
second = listed[1].load()
print(second.loaded, second.refresh() is second)

# Objects pickle as their data, without their session: where they are unpickled they use
# the default session there.
again = pickle.loads(pickle.dumps(first))
print(again == first, again.content == first.content)
