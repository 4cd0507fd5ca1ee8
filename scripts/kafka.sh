#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft, broker and controller in one JVM) for tests, CI and development.
#
#   scripts/kafka.sh fetch        puts Kafka's runtime jars in the cache (Maven Central, once) and prints its folder
#   scripts/kafka.sh start DIR    makes a fresh KRaft store in DIR (empty or missing), prints
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
# The group offsets topic is made at the first group's first lookup: 50 partitions by default, each a log with its
# indexes to create and load before any group can join. One broker with a few groups needs one.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.num.partitions=1
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
  # A broker for tests and development, not for throughput: the client compiler only and the serial collector cut the
  # CPU a start takes (the optimising compiler's threads and G1's worker threads) and leave the broker's behaviour as
  # it is. VIGIL_KAFKA_JVM_OPTS replaces these flags.
  local -a tuning
  read -r -a tuning <<<"${VIGIL_KAFKA_JVM_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
  local -a jvm=(java "-Xms${HEAP_MB}m" "-Xmx${HEAP_MB}m" "${tuning[@]}" -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$dir/log4j2.properties" -cp "$LIBS/*")
  formatted_store "$dir/data"
  echo "VIGIL_KAFKA_BROKERS=127.0.0.1:$port"
  exec "${jvm[@]}" kafka.Kafka "$dir/server.properties"
}

# Puts a formatted KRaft store (node 1) in DATA. Formatting is a JVM start of its own (1.5 CPU-s and seconds of wall
# time); what it writes does not depend on the ports, so it is done once per Kafka version into the cache and each
# store is a copy of it with a cluster id and a directory id of its own. The bootstrap checkpoint holds only the
# feature levels.
formatted_store() {
  local data="$1" template="$CACHE/formatted-store"
  if [ ! -f "$template/meta.properties" ]; then
    local work
    work="$(mktemp -d "$CACHE/formatting.XXXXXX")"
    sed -e "s|^log.dirs=.*|log.dirs=$work/data|" "$dir/server.properties" >"$work/server.properties"
    java -cp "$LIBS/*" -Dlog4j2.configurationFile="$dir/log4j2.properties" kafka.tools.StorageTool format \
      --cluster-id AAAAAAAAAAAAAAAAAAAAAA --config "$work/server.properties" >"$work/format.log" 2>&1 ||
      die "formatting the KRaft store failed: $(cat "$work/format.log")"
    # Two brokers starting at once may both format: the first rename wins, the other's copy is dropped.
    mv -T "$work/data" "$template" 2>/dev/null || true
    rm -rf "$work"
  fi
  mkdir -p "$data"
  cp -r "$template/__cluster_metadata-0" "$data/"
  # Base64url may begin with '-', which Kafka's tools take for a flag: such ids are drawn again (Kafka's own do too).
  node -e '
    const c = require("crypto");
    const id = () => { let v; do v = c.randomBytes(16).toString("base64url"); while (v.startsWith("-")); return v; };
    process.stdout.write(`version=1\nnode.id=1\ncluster.id=${id()}\ndirectory.id=${id()}\n`);
  ' >"$data/meta.properties"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start "${2:-}" ;;
  *) die "usage: scripts/kafka.sh fetch | start DIR" ;;
esac
