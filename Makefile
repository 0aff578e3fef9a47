# Flows: the developer workflow. Two commands matter on a fresh machine with a JDK 17:
#   make run    runs the examples (embedded Kafka when FLOWS_KAFKA_BOOTSTRAP_SERVERS is unset)
#   make test   runs every test, unit and integration, against real services
MVN ?= ./mvnw -B -ntp
EXAMPLES_JAR := flows-examples/target/flows-examples.jar
JAVA ?= java
TOPIC ?= word-updated
FLOW ?=
REDRIVE_ARGS ?=
LINEAGE_ARGS ?=

.PHONY: run test chaos build image archetype-check artifacts services reset listen select group-delete redrive lineage cov format docs bench compose-up compose-apps compose-down clean help

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

run: build ## Run the examples (embedded Kafka and PostgreSQL unless FLOWS_KAFKA_BOOTSTRAP_SERVERS is set)
	@bash scripts/ensure-rabbitmq.sh || echo "RabbitMQ unavailable: the demo runs without the task examples"
	$(JAVA) -jar $(EXAMPLES_JAR)

test: services ## Run all tests (unit + integration on real Kafka, PostgreSQL, RabbitMQ)
	$(MVN) verify

chaos: services ## Run the long fault tests (*ChaosIT: many SIGKILLs, large volumes; 7 to 14 min), not part of make test
	$(MVN) verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='*ChaosIT' -Dfailsafe.failIfNoSpecifiedTests=false

build: ## Build every module and the runnable examples jar, without tests
	$(MVN) -q install -DskipTests

image: build ## Build the examples' container image into flows-examples/target/jib-image.tar (no Docker needed; docker load -i it)
	$(MVN) -q -pl flows-examples jib:buildTar

archetype-check: build ## Generate a service from flows-archetype outside the repository, run its mvn verify and build its image (~1 min)
	bash scripts/archetype-check.sh

artifacts: ## Build the sources and Javadoc jars of the published modules; any Javadoc lint warning fails (~20 s more than a build)
	$(MVN) -q -Partifacts package -DskipTests

services: ## Make sure what tests need is there: RabbitMQ up, chromium and pgbouncer installed (Kafka and PostgreSQL start in the test JVM)
	bash scripts/ensure-rabbitmq.sh
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-pgbouncer.sh

reset: build ## Recreate the example topics (10 partitions) on FLOWS_KAFKA_BOOTSTRAP_SERVERS and seed sample words
	$(JAVA) -cp $(EXAMPLES_JAR) dev.flows.examples.Admin reset

listen: build ## Print records of TOPIC (default word-updated) from FLOWS_KAFKA_BOOTSTRAP_SERVERS
	$(JAVA) -cp $(EXAMPLES_JAR) dev.flows.examples.Admin listen $(TOPIC)

select: build ## Print the table flows_materialised of FLOWS_POSTGRES_URL (the materialise example's word counts)
	$(JAVA) -cp $(EXAMPLES_JAR) dev.flows.examples.Admin select

group-delete: build ## Delete the consumer groups of the example flows (they restart from the earliest offset)
	$(JAVA) -cp $(EXAMPLES_JAR) dev.flows.examples.Admin group-delete

redrive: build ## Re-publish FLOW's dead letters to FLOW.retry (the flow needs ErrorPolicy.withRetryTopic()); REDRIVE_ARGS="--dry-run --error-class X --since 2026-01-01T00:00:00Z --max-redrives 3"
	$(JAVA) -cp $(EXAMPLES_JAR) dev.flows.examples.Admin redrive $(FLOW) $(REDRIVE_ARGS)

lineage: build ## Print the examples' lineage (steps, topics, queues, tables, routes) as Mermaid; LINEAGE_ARGS=--json for JSON
	@$(JAVA) -cp $(EXAMPLES_JAR) dev.flows.examples.Admin lineage $(LINEAGE_ARGS)

cov: services ## Run all tests with JaCoCo coverage; reports in */target/site/jacoco
	$(MVN) -Pcoverage verify

format: ## Format the Java sources with google-java-format
	$(MVN) -q com.spotify.fmt:fmt-maven-plugin:format

docs: ## Regenerate docs/metrics.md from the metrics catalogue and the examples' lineage in docs/operations.md (tests keep them equal)
	$(MVN) -q -pl flows-examples -am test -Dtest='MetricsDocTest,LineageDocTest' -Dflows.docs.write=true -Dsurefire.failIfNoSpecifiedTests=false

bench: services ## Benchmarks vs Kafka Streams and raw clients (~35 min); BENCH_ARGS="--quick" or "--only stateless --jfr"
	$(MVN) -q install -DskipTests -pl flows-bench -am
	$(JAVA) -cp 'flows-bench/target/flows-bench.jar:flows-bench/target/lib/*' dev.flows.bench.Bench $(BENCH_ARGS)

compose-up: ## Start Kafka, PostgreSQL and RabbitMQ with docker compose (needs a Docker engine)
	docker compose up -d

compose-apps: image ## Also run every example step in its own container from the image (needs a Docker engine)
	docker load -i flows-examples/target/jib-image.tar
	docker compose --profile apps up -d

compose-down: ## Stop the docker compose services
	docker compose --profile apps down -v

clean: ## Remove build output
	$(MVN) -q clean
