#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft, broker and controller in one JVM) for tests, CI and development.
#
#   scripts/kafka.sh fetch        puts Kafka's runtime jars in the cache (Maven Central, once) and prints its folder
#   scripts/kafka.sh start DIR    formats a fresh KRaft store in DIR (empty or missing), prints
#                                 `VIGIL_KAFKA_BROKERS=127.0.0.1:PORT` and runs the broker in the foreground
#
# The jars live outside the clone, in ${VIGIL_KAFKA_CACHE:-~/.cache/vigil/kafka-4.4.0}, so `git clean` keeps them.
# Only the broker's listener (a free port on 127.0.0.1) is for clients; the controller's is another free port.
set -euo pipefail

KAFKA_VERSION=4.4.0
# Kafka 4.4.0's tree resolves slf4j-api by range; pinned so every machine runs the same jar.
SLF4J_VERSION=2.0.17
# Kafka logs through slf4j; this binding sends it to log4j2 (which Kafka brings), and so to DIR/server.log.
LOG4J_VERSION=2.25.5
CACHE="${VIGIL_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil/kafka-$KAFKA_VERSION}"
LIBS="$CACHE/libs"
HEAP_MB="${VIGIL_KAFKA_HEAP_MB:-512}"

die() {
  echo "scripts/kafka.sh: $*" >&2
  exit 1
}

fetch() {
  # `.complete` is written last, so a fetch cut short is redone rather than run with missing jars.
  if [ -f "$CACHE/.complete" ]; then
    echo "$LIBS"
    return
  fi
  command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install -y maven)"
  mkdir -p "$CACHE"
  rm -rf "$LIBS"
  cat >"$CACHE/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vigil</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$SLF4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>$LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
POM
  mvn -q -B -Dstyle.color=never -f "$CACHE/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS" >&2 ||
    die "mvn could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (is Maven Central reachable?)"
  [ -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ] || die "kafka_2.13-$KAFKA_VERSION.jar missing from $LIBS after mvn"
  touch "$CACHE/.complete"
  echo "$LIBS"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  local dir="${1:-}"
  [ -n "$dir" ] || die "usage: scripts/kafka.sh start DIR"
  [ -f "$CACHE/.complete" ] || die "Kafka jars missing from $CACHE: run scripts/kafka.sh fetch first"
  command -v java >/dev/null || die "java not found: install a JRE 17 or later (apt-get install -y default-jre-headless)"
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty: the broker starts on a fresh store only"
  dir="$(cd "$dir" && pwd)"
  local port controller_port cluster_id
  port="$(free_port)"
  controller_port="$(free_port)"
  [ "$port" != "$controller_port" ] || controller_port="$(free_port)"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
# Vigil creates its topics itself with their partition counts; a typo must not create a topic.
auto.create.topics.enable=false
# One broker: internal topics cannot have more replicas than that.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests start consumer groups right away; the default 3 s wait for more members only slows them.
group.initial.rebalance.delay.ms=0
PROPS
  cat >"$dir/log4j2.properties" <<LOG
appender.file.type = File
appender.file.name = file
appender.file.fileName = $dir/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
LOG
  local -a jvm=(java "-Xms${HEAP_MB}m" "-Xmx${HEAP_MB}m" -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$dir/log4j2.properties" -cp "$LIBS/*")
  # Base64url may begin with '-', which the tool's argument parser takes for a flag: such ids are drawn again
  # (Kafka's own random ids avoid them too).
  cluster_id="$(node -e 'const c=require("crypto");let id;do id=c.randomBytes(16).toString("base64url");while(id.startsWith("-"));console.log(id)')"
  "${jvm[@]}" kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$dir/server.properties" \
    >"$dir/format.log" 2>&1 || die "formatting the KRaft store failed: $(cat "$dir/format.log")"
  echo "VIGIL_KAFKA_BROKERS=127.0.0.1:$port"
  exec "${jvm[@]}" kafka.Kafka "$dir/server.properties"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start "${2:-}" ;;
  *) die "usage: scripts/kafka.sh fetch | start DIR" ;;
esac
