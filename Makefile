# Every developer task; each target calls a script in scripts/ (they also work without make).
.PHONY: demo test lint typecheck bench bench-quick train clean

demo:        ## the live console on SQLite with demo conversations (calmline demo: the samples in the terminal)
	bash scripts/demo.sh
test:        ## the whole test suite
	bash scripts/test.sh
lint:        ## ruff + mypy --strict
	bash scripts/lint.sh
typecheck: lint
bench:       ## quality and speed table (needs ../shared/data)
	bash scripts/bench.sh
bench-quick:
	bash scripts/bench.sh --quick
train:       ## rebuild calmline/models from ../shared/data
	bash scripts/train.sh
clean:
	rm -rf .venv build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache bench/out
