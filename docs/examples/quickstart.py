# docs/examples/quickstart.py
"""Upload a document, run a model on it and read the predicted values."""

import las

# Calls without session= use the default session, built on first use from the environment
# (LAS_CLIENT_ID, LAS_CLIENT_SECRET, LAS_AUTH_ENDPOINT, LAS_API_ENDPOINT) or ~/.lucidtech.
dataset = las.Dataset.create(name="invoices", description="scanned supplier invoices")

document = las.Document.create(
    b"%PDF-1.4 an invoice",  # bytes, a path, or an open binary file
    dataset=dataset,
    ground_truth={"total_amount": "120.00", "due_date": "2024-01-31"},
)

model = las.Model.create(
    width=300,
    height=300,
    field_config={
        "total_amount": las.FieldConfigEntry(type="amount", max_length=20),
        "due_date": las.FieldConfigEntry(type="date", max_length=10, description="payment due"),
    },
    name="invoice model",
)

prediction = document.predict(model)  # a model object or a model id
total = prediction["total_amount"]  # the most confident item for the label
print(total.label, total.value, 0 <= total.confidence <= 1)
print(prediction.item_for("iban"))  # None: no such label predicted
print(sorted(prediction.as_dict()))  # {label: value}

# Relationships load on first access (one request), then stay cached.
assert prediction.document == document
assert prediction.model.name == "invoice model"
assert document.dataset is not None and document.dataset.name == "invoices"
print(document.created_time is not None and document.created_time.tzinfo is not None)
