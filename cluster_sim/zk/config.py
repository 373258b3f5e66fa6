"""What a ZooKeeper server is told: its zoo.cfg, its logging, its java command.

    settings = server_settings(tick_ms=200, data_dir=d, client_port=2181, listen="127.0.0.1")
    write_config(d, settings)                       # d/zoo.cfg, d/log4j.properties, d/logback.xml
    cmd = java_command(find_distribution(), d, ensemble=False)

Tuned for a teaching cluster on one machine: throw-away data (no fsync, small
preallocation), no connection limit, no admin server, the four-letter words
clustersim asks (srvr) allowed, and WARN-level logging to one file.
"""

import os
from typing import Dict, List, Optional, Sequence, Tuple

from cluster_sim.zk.install import Distribution

__all__ = ["JVM_FLAGS", "LOG_NAME", "java_command", "server_settings", "write_config"]

JVM_FLAGS = [
    "-Xms32m", "-Xmx256m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",      # C1 only: starts faster, plenty for a teaching cluster
    "-Xshare:auto",
    "-XX:-UsePerfData",             # no /tmp/hsperfdata_<user>/<pid> left behind after SIGKILL
    "-Djava.net.preferIPv4Stack=true",
    "-Dzookeeper.admin.enableServer=false",
    "-Dzookeeper.jmx.log4j.disable=true",
]

FOUR_LETTER_WORDS = "srvr,ruok,mntr,stat,conf,cons"   # cons: each session's last response (adapters/sessions.py)

STANDALONE_MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain"
QUORUM_MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain"

#: The server's stdout and stderr, in its data directory.
LOG_NAME = "zookeeper.log"

#: (index, host, peer port, election port) of each ensemble member.
Peer = Tuple[int, str, int, int]

_LOG4J = """\
log4j.rootLogger=WARN, CONSOLE
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p [%t] %c{1} - %m%n
"""

_LOGBACK = """\
<configuration>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{ISO8601} %-5p [%t] %c{1} - %m%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="CONSOLE"/></root>
</configuration>
"""


def server_settings(tick_ms: int, data_dir: str, client_port: int, listen: str,
                    peers: Optional[Sequence[Peer]] = None) -> Dict[str, object]:
    """zoo.cfg of one server; ``peers`` (every member, itself included) makes
    it an ensemble member, None a standalone server."""
    settings: Dict[str, object] = {
        "tickTime": tick_ms,
        "maxClientCnxns": 0,              # a class of 100 nodes connects from one address
        "minSessionTimeout": 2 * tick_ms,
        "maxSessionTimeout": 60000,
        "admin.enableServer": "false",
        "4lw.commands.whitelist": FOUR_LETTER_WORDS,
        "autopurge.purgeInterval": 0,
        "preAllocSize": 4096,             # KB per transaction log instead of 64 MB
        "forceSync": "no",                # throw-away data: no fsync per write
        "dataDir": data_dir,
        "clientPort": client_port,
        "clientPortAddress": listen,
    }
    if peers:
        settings.update(initLimit=10, syncLimit=5, standaloneEnabled="false", reconfigEnabled="false")
        for index, host, peer_port, election_port in peers:
            settings[f"server.{index}"] = f"{host}:{peer_port}:{election_port}"
    return settings


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def write_config(directory: str, settings: Dict[str, object], myid: Optional[int] = None) -> None:
    """zoo.cfg plus log4j (Debian) and logback (Apache tarball) configs, and
    ``myid`` for an ensemble member."""
    _write(os.path.join(directory, "zoo.cfg"), "".join(f"{k}={v}\n" for k, v in settings.items()))
    _write(os.path.join(directory, "log4j.properties"), _LOG4J)
    _write(os.path.join(directory, "logback.xml"), _LOGBACK)
    if myid is not None:
        _write(os.path.join(directory, "myid"), f"{myid}\n")


def java_command(dist: Distribution, directory: str, ensemble: bool) -> List[str]:
    """``java ... Main directory/zoo.cfg`` for the config written in ``directory``."""
    return [dist.java, *JVM_FLAGS,
            "-Dlog4j.configuration=file:" + os.path.join(directory, "log4j.properties"),
            "-Dlogback.configurationFile=" + os.path.join(directory, "logback.xml"),
            "-cp", dist.classpath, QUORUM_MAIN if ensemble else STANDALONE_MAIN,
            os.path.join(directory, "zoo.cfg")]
