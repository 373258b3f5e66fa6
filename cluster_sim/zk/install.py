"""Finding Java and Apache ZooKeeper on this machine.

    dist = find_distribution()     # or ZooKeeperUnavailable, one line saying what to install
    subprocess.Popen([dist.java, "-cp", dist.classpath, MAIN_CLASS, "zoo.cfg"])

Debian's ``zookeeper`` package comes first in mind: its jar lives in
``/usr/share/java/zookeeper.jar``. An Apache tarball works too, named by
``$ZOOKEEPER_HOME`` or found through ``zkServer.sh`` on PATH.
"""

import os
import shutil
from dataclasses import dataclass
from typing import List, Optional

__all__ = ["DEBIAN_JAR", "Distribution", "ZooKeeperUnavailable", "find_distribution"]

#: Where Debian's ``libzookeeper-java`` puts the server jar. Its manifest
#: Class-Path names every dependency, but no SLF4J binding (see _debian_classpath).
DEBIAN_JAR = "/usr/share/java/zookeeper.jar"
DEBIAN_HOME = "/usr/share/zookeeper"

INSTALL_HINT = "(or 'docker compose -f compose-inicial.yaml up' and pass --zk 127.0.0.1:2181)"


class ZooKeeperUnavailable(Exception):
    """Java or ZooKeeper is missing, or a server would not start.

    ``str()`` is a single line saying what to do about it.
    """


@dataclass(frozen=True)
class Distribution:
    """How to run ZooKeeper here: the java binary and the class path."""

    java: str
    classpath: str


def _jars(directory: str) -> List[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names if n.endswith(".jar")]


def _home_classpath(home: str) -> Optional[str]:
    """Jars of an Apache tarball (``lib/*.jar`` and ``*.jar``), or None."""
    jars = _jars(os.path.join(home, "lib")) + _jars(home)
    if not any(os.path.basename(j).startswith("zookeeper") for j in jars):
        return None
    return os.pathsep.join(jars)


def _debian_classpath(jar: str) -> Optional[str]:
    """Debian's jar plus a logging binding, or None if the jar is missing.

    Debian's manifest pulls in slf4j-api but no binding, so the server logs
    nothing at all (SLF4J falls back to its NOP logger, also when started by
    zkServer.sh or systemd). When Debian's log4j 1.2 binding is installed we
    add it, so start-up failures ("Address already in use") reach our log.
    """
    if not os.path.isfile(jar):
        return None
    parts = [jar]
    java_dir = os.path.dirname(jar)
    binding = [os.path.join(java_dir, "slf4j-log4j12.jar"),
               os.path.join(java_dir, "log4j-1.2.jar")]
    if all(os.path.isfile(p) for p in binding):
        parts += binding
    return os.pathsep.join(parts)


def _find_java() -> Optional[str]:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = os.path.join(java_home, "bin", "java")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("java")


def find_distribution(debian_jar: Optional[str] = None) -> Distribution:
    """Locate ZooKeeper and Java, or raise ``ZooKeeperUnavailable``.

    Search order: ``$ZOOKEEPER_HOME``; ``zkServer.sh`` on PATH (its install
    directory, or Debian's jar if that is Debian's launcher); Debian's jar
    (``debian_jar``, default ``DEBIAN_JAR``). Java: ``$JAVA_HOME/bin/java``,
    then ``java`` on PATH.
    """
    if debian_jar is None:
        debian_jar = DEBIAN_JAR
    classpath = None
    zk_home = os.environ.get("ZOOKEEPER_HOME")
    if zk_home:
        classpath = _home_classpath(zk_home)
    if classpath is None:
        script = shutil.which("zkServer.sh")
        if script:
            home = os.path.dirname(os.path.dirname(os.path.realpath(script)))
            if home == DEBIAN_HOME:
                classpath = _debian_classpath(debian_jar)
            else:
                classpath = _home_classpath(home)
    if classpath is None:
        classpath = _debian_classpath(debian_jar)
    if classpath is None:
        where = f"no zookeeper jar under ZOOKEEPER_HOME={zk_home}; " if zk_home else ""
        raise ZooKeeperUnavailable(
            f"ZooKeeper is not installed: {where}run 'sudo apt-get install zookeeper' " + INSTALL_HINT)
    java = _find_java()
    if java is None:
        raise ZooKeeperUnavailable(
            "Java is not installed: run 'sudo apt-get install default-jre-headless' "
            "(or set JAVA_HOME) " + INSTALL_HINT)
    return Distribution(java=java, classpath=classpath)
