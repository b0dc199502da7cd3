"""Documents kept on records: checked uploads, versions, soft deletion and downloads
through a permission-checked, audited view.

The kernel holds one document model for every kind of record (`vicp.models.Document`)
and knows no app: each app registers a `Holder` for its model, saying who may read and
add the documents of its records (`holders.register`, in the app's ready()).
"""
