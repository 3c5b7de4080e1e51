# docs/examples/objects.py
"""Getting, updating, refreshing and deleting; ids, errors and unknown fields."""

import las

model = las.Model.create(300, 300, {"total_amount": {"type": "amount", "maxLength": 20}}, name="v1")

same = las.Model.get(model.id)  # by id (or las.Model.get(model))
print(same == model, same is model)  # equal by (class, id); different objects

model.update(name="v2", description="more data")  # sends only these two fields
print(model.name, model.description)

same.refresh()  # fetch again: now also v2
print(same.name)

# Objects are read-only; change them with update().
try:
    model.name = "v3"  # type: ignore[misc]
except AttributeError:
    print("read-only")

# An id of the wrong kind fails before any request.
document = las.Document.create(b"%PDF-1.4 x")
try:
    document.predict(document)
except las.InvalidIdError as error:
    print(error)

# A reference costs nothing until used; reading a field loads it (one request, once).
reference = las.Model.ref(model.id)
print(reference.loaded, reference.name, reference.loaded)  # False v2 True

# Fields this SDK version does not know are kept, not dropped.
print(model.extra)
print(model.to_dict()["name"])  # the API's JSON, camelCase

model.delete()
try:
    las.Model.get(model.id)
except las.NotFoundError as error:
    print(error.status_code)
