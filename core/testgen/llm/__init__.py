"""The model side of the LLM engine: provider client, response cache, rate limiting,
structured output parsing and cost accounting. Nothing here imports LiteLLM at import time."""
