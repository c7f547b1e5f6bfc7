.PHONY: run test bench mutate grownup grownup-stop grownup-status
run:  ## set up everything and run the product (web server + django-q2 worker)
	scripts/run.sh
grownup:  ## grown-up mode on this machine: PostgreSQL, Redis, gunicorn, django-q2 clusters
	scripts/grownup.sh start
grownup-stop:  ## stops what `make grownup` started
	scripts/grownup.sh stop
grownup-status:
	scripts/grownup.sh status
test:  ## install the test tools and run every check and test
	scripts/test.sh
bench:
	scripts/bootstrap.sh test && .venv/bin/python bench/run.py
mutate:  ## mutation testing of the rule modules (slow; not in CI): kill ratio per module
	scripts/mutate.sh $(MODULES)
