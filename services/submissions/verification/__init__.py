"""The upload verifier: a bus consumer of UploadCompleted, scaling on its own."""
