# docs/examples/listing.py
"""Lists: one page at a time, or every item lazily."""

import las

dataset = las.Dataset.create(name="receipts")
for number in range(25):
    dataset.documents.create(f"%PDF-1.4 receipt {number}".encode())

# all() returns a lazy collection: nothing is requested until you iterate, and only one page
# is held in memory at a time. It can be iterated again (it starts over).
documents = las.Document.all(dataset_id=dataset, page_size=10)
print(sum(1 for _ in documents))  # 25, in three requests

print(len(list(documents.limit(12))))  # 12: stops early, asks for no more than needed
print(documents.first() is not None)  # one request for one item

for page in documents.iter_pages():  # pages, when you want them
    print(len(page.items), page.has_next)

# list() is one request for one page; carry on with its next_token (or page.next_page()).
page = las.Document.list(max_results=20, dataset_id=dataset)
rest = las.Document.list(max_results=20, next_token=page.next_token, dataset_id=dataset)
print(len(page), len(rest), rest.next_token)

# Sub-resources are collections of their parent.
print(len(list(dataset.documents)))
