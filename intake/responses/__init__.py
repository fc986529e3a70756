"""Response templates (mẫu trả lời): reusable texts with their legal basis, per field for
answers and per refusal reason for refusals, inserted into the text and then edited."""
