//! OpenAI-compatible Chat Completions over HTTP with SSE streaming.
