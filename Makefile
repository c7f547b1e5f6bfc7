.PHONY: run test bench mutate
run:  ## set up everything and run the product (web server + django-q2 worker)
	scripts/run.sh
test:  ## install the test tools and run every check and test
	scripts/test.sh
bench:
	scripts/bootstrap.sh test && .venv/bin/python bench/run.py
mutate:  ## mutation testing of the rule modules (slow; not in CI): kill ratio per module
	scripts/mutate.sh $(MODULES)
