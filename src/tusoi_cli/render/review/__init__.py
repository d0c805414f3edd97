"""The review document (`tusoi kiem-diem`): building it as data, writing it as .docx, converting it to PDF."""
