//! In-process GGUF inference through llama.cpp.
