# docs/examples/listing.py
"""Lists: one page at a time, or every item lazily."""

import las

dataset = las.Dataset.create(name="receipts")
for number in range(25):
    dataset.documents.create(f"%PDF-1.4 receipt {number}".encode())

# all() returns a lazy collection: nothing is requested until you iterate, and only one page
# is held in memory at a time. It can be iterated again (it starts over).
documents = las.Document.all(dataset=dataset, page_size=10)
print(documents.count())  # 25: iterates every page (three requests)

print(len(list(documents.limit(12))))  # 12: stops early, asks for no more than needed
print(documents.first() is not None)  # one request for one item
print(documents.exists())  # the same request: is there any?

# A collection is lazy, so it has no truth value nor len(): say which cost you want.
try:
    bool(documents)
except las.InvalidArgumentError as error:
    print(error)

for page in documents.pages():  # pages, when you want them
    print(len(page.items), page.has_next)

# list() is one request for one page; the page carries on by itself.
page = las.Document.list(page_size=20, dataset=dataset)
rest = page.next()  # the same as las.Document.list(page_size=20, next_token=page.next_token, ...)
print(len(page), rest is not None and len(rest), rest is not None and rest.next_token)
print(sum(1 for _ in page.auto_paging_iter()))  # 25: this page, then the following ones

# Sub-resources are collections of their parent.
print(dataset.documents.count())
