#!/usr/bin/env bash
# Builds a Spark installation from the project's own Maven artifacts, for machines without a
# Spark distribution: jars/ (symlinks to Spark, Hadoop and hadoop-aws from ~/.m2), and bin/
# scripts that start Spark's own launcher (org.apache.spark.launcher.Main) exactly as a
# distribution's bin/spark-class does. Used for the launcher's spark-submit path
# (SPARK_HOME=$(scripts/spark-home.sh) scripts/keel ...) and for standalone master/worker JVMs.
#
#   scripts/spark-home.sh [DIR]    default DIR: .keel/spark-home; prints DIR
set -euo pipefail

KEEL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-$KEEL_HOME/.keel/spark-home}"
version_of() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$KEEL_HOME/pom.xml" | head -1
}
SPARK_VERSION=$(version_of spark.version)
SCALA_BINARY=$(version_of scala.binary.version)
HADOOP_VERSION=$(version_of hadoop.version)

mkdir -p "$DIR/jars" "$DIR/bin" "$DIR/conf" "$DIR/logs" "$DIR/work" "$DIR/.resolve"
# Jobs sharing one KEEL_HOME (a sweep's tasks) build it one at a time, and only change it when the
# classpath changed: Spark JVMs already running from it load classes from jars/ lazily.
exec 9> "$DIR/.lock"
flock 9
# What a Spark distribution ships: Spark SQL and MLlib with their dependencies, plus hadoop-aws for s3a.
cat > "$DIR/.resolve/pom.xml.new" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.keel.tools</groupId>
  <artifactId>spark-home</artifactId>
  <version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_$SCALA_BINARY</artifactId><version>$SPARK_VERSION</version></dependency>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-mllib_$SCALA_BINARY</artifactId><version>$SPARK_VERSION</version></dependency>
    <dependency><groupId>org.apache.hadoop</groupId><artifactId>hadoop-aws</artifactId><version>$HADOOP_VERSION</version></dependency>
  </dependencies>
</project>
POM
if cmp -s "$DIR/.resolve/pom.xml.new" "$DIR/.resolve/pom.xml"; then
  rm "$DIR/.resolve/pom.xml.new"
else
  mv "$DIR/.resolve/pom.xml.new" "$DIR/.resolve/pom.xml"
fi
if [ ! -s "$DIR/.resolve/classpath.txt" ] || [ "$DIR/.resolve/pom.xml" -nt "$DIR/.resolve/classpath.txt" ]; then
  echo "[spark-home] resolving Spark $SPARK_VERSION from Maven" >&2
  (cd "$DIR/.resolve" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=classpath.txt 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g') >&2
fi

if ! cmp -s "$DIR/.resolve/classpath.txt" "$DIR/.resolve/linked.txt"; then
  find "$DIR/jars" -type l -delete
  tr ':' '\n' < "$DIR/.resolve/classpath.txt" | while IFS= read -r jar; do
    [ -n "$jar" ] && ln -sf "$jar" "$DIR/jars/$(basename "$jar")"
  done
  cp "$DIR/.resolve/classpath.txt" "$DIR/.resolve/linked.txt"
fi
# Spark's launcher takes jars/ from an installation that has a RELEASE file.
echo "Spark $SPARK_VERSION assembled by keel from Maven artifacts" > "$DIR/RELEASE"

cat > "$DIR/bin/spark-class.new" <<'SCRIPT'
#!/usr/bin/env bash
# Runs a Spark main class the way a Spark distribution does: Spark's launcher library builds the
# java command line (classpath from jars/, driver options, memory) and this script executes it.
set -e
export SPARK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SPARK_SCALA_VERSION=2.12
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The launcher prints messages line by line, then a line holding only a NUL, then the command
# as NUL-separated tokens; the launcher's exit status is appended as the last token.
COMMAND=()
delimiter=$'\n'
in_command=false
while IFS= read -d "$delimiter" -r token; do
  if $in_command; then
    COMMAND+=("$token")
  elif [ -z "$token" ]; then
    delimiter=''
    in_command=true
  else
    echo "$token"
  fi
done < <("$JAVA" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"; printf '%d\0' $?)
last=$(( ${#COMMAND[@]} - 1 ))
status=${COMMAND[$last]}
if [ "$status" != 0 ]; then
  exit "$status"
fi
exec "${COMMAND[@]:0:$last}"
SCRIPT

cat > "$DIR/bin/spark-submit.new" <<'SCRIPT'
#!/usr/bin/env bash
exec "$(dirname "${BASH_SOURCE[0]}")/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
SCRIPT

for script in spark-class spark-submit; do
  chmod +x "$DIR/bin/$script.new"
  if cmp -s "$DIR/bin/$script.new" "$DIR/bin/$script"; then
    rm "$DIR/bin/$script.new"
  else
    mv "$DIR/bin/$script.new" "$DIR/bin/$script"
  fi
done
echo "$DIR"
