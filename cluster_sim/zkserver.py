"""Start and stop real Apache ZooKeeper servers, standalone or as an ensemble.

The cluster simulator never fakes ZooKeeper: it runs the real Java server
from the local installation (Debian's ``zookeeper`` package, or an Apache
tarball named by ``$ZOOKEEPER_HOME``). Every server gets free ports, a
private temporary data directory and a quiet log file inside it; stopping
the server removes all of it.

    from kazoo.client import KazooClient
    from cluster_sim.zkserver import ZooKeeperServer, Ensemble

    with ZooKeeperServer() as zk:          # standalone, on a free port
        client = KazooClient(hosts=zk.address)
        ...

    with Ensemble(size=3) as ens:          # three servers, one leader
        client = KazooClient(hosts=ens.connect_string)
        ens.kill_server(1)                 # fault injection
        ens.start_server(1)                # same ports, same data

If Java or ZooKeeper is missing, ``ZooKeeperUnavailable`` says, in one
line, what to install. ``run_foreground()`` backs ``clustersim zk``.
"""

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

__all__ = [
    "DEBIAN_JAR",
    "Distribution",
    "Ensemble",
    "EnsembleServer",
    "PortInUse",
    "ZooKeeperServer",
    "ZooKeeperUnavailable",
    "find_distribution",
    "free_port",
    "run_foreground",
    "server_mode",
]

#: Where Debian's ``libzookeeper-java`` puts the server jar. Its manifest
#: Class-Path names every dependency, but no SLF4J binding (see _debian_classpath).
DEBIAN_JAR = "/usr/share/java/zookeeper.jar"
DEBIAN_HOME = "/usr/share/zookeeper"

_INSTALL_HINT = ("(or 'docker compose -f compose-inicial.yaml up' "
                 "and pass --zk 127.0.0.1:2181)")

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

FOUR_LETTER_WORDS = "srvr,ruok,mntr,stat,conf"


class ZooKeeperUnavailable(Exception):
    """Java or ZooKeeper is missing, or a server would not start.

    ``str()`` is a single line saying what to do about it.
    """


class PortInUse(ValueError):
    """The requested client port is already taken (checked before starting Java)."""


@dataclass(frozen=True)
class Distribution:
    """How to run ZooKeeper here: the java binary and the class path."""

    java: str
    classpath: str


# --------------------------------------------------------------------------
# Finding Java and ZooKeeper


def _jars(directory):
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names if n.endswith(".jar")]


def _home_classpath(home):
    """Jars of an Apache tarball (``lib/*.jar`` and ``*.jar``), or None."""
    jars = _jars(os.path.join(home, "lib")) + _jars(home)
    if not any(os.path.basename(j).startswith("zookeeper") for j in jars):
        return None
    return os.pathsep.join(jars)


def _debian_classpath(jar):
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


def _find_java():
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = os.path.join(java_home, "bin", "java")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("java")


def find_distribution(debian_jar=None):
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
            f"ZooKeeper is not installed: {where}run 'sudo apt-get install zookeeper' "
            + _INSTALL_HINT)
    java = _find_java()
    if java is None:
        raise ZooKeeperUnavailable(
            "Java is not installed: run 'sudo apt-get install default-jre-headless' "
            "(or set JAVA_HOME) " + _INSTALL_HINT)
    return Distribution(java=java, classpath=classpath)


# --------------------------------------------------------------------------
# Ports and the srvr four-letter word


def free_port(host="127.0.0.1"):
    """A TCP port that was free on ``host`` a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _port_free(host, port):
    """Whether a server could bind ``host:port`` now (as Java does: SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def _free_ports(host, count):
    """``count`` distinct free ports."""
    ports = []
    while len(ports) < count:
        port = free_port(host)
        if port not in ports:
            ports.append(port)
    return ports


def _connectable(host):
    return "127.0.0.1" if host in ("", "0.0.0.0") else host


def _four_letter_word(host, port, word, timeout):
    with socket.create_connection((_connectable(host), port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(word.encode())
        chunks = []
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def _srvr(host, port, timeout=0.5):
    """The ``srvr`` reply as a dict, or None if the server is not serving."""
    try:
        reply = _four_letter_word(host, port, "srvr", timeout)
    except OSError:
        return None
    if "not currently serving" in reply:
        return None
    fields = {}
    for line in reply.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    return fields if "mode" in fields else None


def server_mode(host, port, timeout=0.5):
    """"standalone", "leader", "follower" (or "observer"), or "down"."""
    fields = _srvr(host, port, timeout)
    return fields["mode"].lower() if fields else "down"


def server_version(host, port, timeout=0.5):
    """"3.8.0" from "Zookeeper version: 3.8.0-${mvngit.commit.id}, built on ...", or ""."""
    fields = _srvr(host, port, timeout) or {}
    return fields.get("zookeeper version", "").split("-")[0].split(",")[0]


def _short_version(host, port):
    """"3.8" (what `clustersim zk` prints)."""
    version = server_version(host, port)
    return ".".join(version.split(".")[:2]) if version else ""


# --------------------------------------------------------------------------
# Running one java process

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


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _write_configs(directory, settings):
    """zoo.cfg plus log4j (Debian) and logback (Apache tarball) configs."""
    cfg = os.path.join(directory, "zoo.cfg")
    _write(cfg, "".join(f"{k}={v}\n" for k, v in settings.items()))
    _write(os.path.join(directory, "log4j.properties"), _LOG4J)
    _write(os.path.join(directory, "logback.xml"), _LOGBACK)
    return cfg


def _common_settings(tick_ms):
    return {
        "tickTime": tick_ms,
        "maxClientCnxns": 0,              # a class of 100 nodes connects from one address
        "minSessionTimeout": 2 * tick_ms,
        "maxSessionTimeout": 60000,
        "admin.enableServer": "false",
        "4lw.commands.whitelist": FOUR_LETTER_WORDS,
        "autopurge.purgeInterval": 0,
        "preAllocSize": 4096,             # KB per transaction log instead of 64 MB
        "forceSync": "no",                # throw-away data: no fsync per write
    }


def _launch(dist, main_class, directory):
    """Start ``java ... main_class directory/zoo.cfg``, output to directory/zookeeper.log."""
    cmd = [dist.java, *JVM_FLAGS,
           "-Dlog4j.configuration=file:" + os.path.join(directory, "log4j.properties"),
           "-Dlogback.configurationFile=" + os.path.join(directory, "logback.xml"),
           "-cp", dist.classpath, main_class, os.path.join(directory, "zoo.cfg")]
    with open(os.path.join(directory, "zookeeper.log"), "ab") as log:
        try:
            return subprocess.Popen(cmd, cwd=directory, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        except OSError as e:
            raise ZooKeeperUnavailable(f"cannot run {dist.java}: {e.strerror}") from e


def _stop_process(proc, timeout=5.0):
    """SIGTERM, then SIGKILL after ``timeout``; always reaps the process."""
    if proc is None:
        return
    if proc.poll() is None:
        try:
            proc.terminate()
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    _kill_process(proc)


def _kill_process(proc):
    if proc is None:
        return
    if proc.poll() is None:
        try:
            proc.kill()
        except OSError:
            pass
    proc.wait()


def _log_size(directory):
    try:
        return os.path.getsize(os.path.join(directory, "zookeeper.log"))
    except OSError:
        return 0


def _last_log_line(directory, since=0):
    """The most telling line the server logged after offset ``since``.

    The root cause of the last stack trace if there is one ("Caused by: ..."),
    else the last exception line, else the last line that is not noise.
    """
    try:
        with open(os.path.join(directory, "zookeeper.log"), "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(since, f.tell() - 32768))
            lines = f.read().decode(errors="replace").splitlines()
    except OSError:
        return "no log"
    lines = [ln.strip() for ln in lines if ln.strip()]
    useful = [ln for ln in lines
              if not ln.startswith(("at ", "...", "SLF4J:")) and "Exiting JVM" not in ln]
    causes = [ln[len("Caused by:"):].strip() for ln in useful if ln.startswith("Caused by:")]
    exceptions = [ln for ln in useful if re.match(r"[\w.$]+(Exception|Error)\b", ln)]
    line = (causes or exceptions or useful or lines or ["log is empty"])[-1]
    return line if len(line) <= 300 else line[:297] + "..."


def _bind_failure(directory, host, port):
    log = os.path.join(directory, "zookeeper.log")
    try:
        with open(log, "rb") as f:
            if b"Address already in use" in f.read():
                return True
    except OSError:
        pass
    return not _port_free(host, port)


# Servers still running at interpreter exit are stopped (and their data removed).
_running = set()
_running_lock = threading.Lock()


def _track(obj, alive):
    with _running_lock:
        (_running.add if alive else _running.discard)(obj)


@atexit.register
def _stop_leftovers():
    with _running_lock:
        leftovers = list(_running)
    for obj in leftovers:
        try:
            obj.stop()
        except Exception:
            pass


# --------------------------------------------------------------------------
# Standalone server


class _ServerProcess:
    """What a standalone server and an ensemble member share: a java process
    serving clients on host:port (subclasses provide host, port, proc, index)."""

    index = 1  # a standalone server is server 1 of 1

    @property
    def address(self):
        return f"{self.host}:{self.port}"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def mode(self):
        return server_mode(self.host, self.port)

    def __repr__(self):
        state = "running" if self.running else "stopped"
        return f"<{type(self).__name__} {self.index} {self.address} pid={self.pid} {state}>"


class ZooKeeperServer(_ServerProcess):
    """One standalone ZooKeeper server (``ZooKeeperServerMain``)."""

    def __init__(self, port=None, host="127.0.0.1", tick_ms=200, data_dir=None,
                 reaper=None, listen=None):
        self._auto_port = port is None
        self._port = port
        self._host = host
        self._listen = listen or host
        self.tick_ms = tick_ms
        self._data_dir = data_dir
        self._owns_dir = data_dir is None
        self._reaper = reaper
        self._proc = None
        self._log_since = 0
        self._watched_pid = None
        self._watched_dir = None
        #: seconds from start() to serving, for the curious
        self.startup_seconds = None

    # -- properties
    @property
    def proc(self):
        return self._proc

    @property
    def port(self):
        return self._port

    @property
    def host(self):
        return self._host

    @property
    def data_dir(self):
        return self._data_dir

    @property
    def log_path(self):
        return os.path.join(self._data_dir, "zookeeper.log") if self._data_dir else None

    # -- life cycle
    def start(self, timeout=30.0):
        """Launch the server and wait until it serves; returns self."""
        if self.running:
            return self
        dist = find_distribution()
        if not self._auto_port and not _port_free(self._listen, self._port):
            raise PortInUse(f"port {self._port} on {self._listen} is already in use")
        began = time.monotonic()
        if self._data_dir is None or (self._owns_dir and not os.path.isdir(self._data_dir)):
            self._data_dir = tempfile.mkdtemp(prefix="clustersim-zk-")
            self._owns_dir = True
        else:
            os.makedirs(self._data_dir, exist_ok=True)
        if self._reaper and self._owns_dir and self._watched_dir is None:
            self._reaper.watch_path(self._data_dir)
            self._watched_dir = self._data_dir
        try:
            for attempt in range(5):
                if self._port is None:
                    self._port = free_port(self._listen)
                self._launch(dist)
                error = self._wait_serving(began + timeout)
                if error is None:
                    break
                _kill_process(self._proc)
                self._forget_pid()
                if (self._auto_port and attempt < 4
                        and _bind_failure(self._data_dir, self._listen, self._port)):
                    self._port = None            # somebody took it: try another
                    os.unlink(os.path.join(self._data_dir, "zookeeper.log"))
                    continue
                raise ZooKeeperUnavailable(error)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def _launch(self, dist):
        settings = _common_settings(self.tick_ms)
        settings.update(dataDir=self._data_dir, clientPort=self._port,
                        clientPortAddress=self._listen)
        _write_configs(self._data_dir, settings)
        self._log_since = _log_size(self._data_dir)
        self._proc = _launch(dist, "org.apache.zookeeper.server.ZooKeeperServerMain",
                             self._data_dir)
        _track(self, True)
        if self._reaper:
            self._reaper.watch_pid(self._proc.pid)
            self._watched_pid = self._proc.pid

    def _wait_serving(self, deadline):
        """None once serving, else a one-line reason."""
        while True:
            code = self._proc.poll()
            if code is not None:
                return (f"ZooKeeper exited with code {code} while starting on "
                        f"{self.address}: {_last_log_line(self._data_dir, self._log_since)}")
            if server_mode(self._host, self._port, timeout=0.5) == "standalone":
                return None
            if time.monotonic() > deadline:
                return (f"ZooKeeper did not start serving on {self.address} in time: "
                        f"{_last_log_line(self._data_dir, self._log_since)}")
            time.sleep(0.05)

    def _forget_pid(self):
        if self._reaper and self._watched_pid is not None:
            self._reaper.forget_pid(self._watched_pid)
        self._watched_pid = None

    def stop(self, timeout=5):
        """SIGTERM (then SIGKILL), wait, and remove the data dir if we made it."""
        _stop_process(self._proc, timeout)
        self._forget_pid()
        if self._owns_dir and self._data_dir and os.path.isdir(self._data_dir):
            shutil.rmtree(self._data_dir, ignore_errors=True)
        if self._reaper and self._watched_dir is not None:
            self._reaper.forget_path(self._watched_dir)
        self._watched_dir = None
        _track(self, False)

    def kill(self):
        """SIGKILL now, as a crash would (the data dir stays until stop())."""
        _kill_process(self._proc)
        self._forget_pid()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --------------------------------------------------------------------------
# Ensemble


class EnsembleServer(_ServerProcess):
    """One member of an ``Ensemble`` (1-based ``index``)."""

    def __init__(self, index, host, port, peer_port, election_port, data_dir):
        self.index = index
        self.host = host
        self.port = port
        self.peer_port = peer_port
        self.election_port = election_port
        self.data_dir = data_dir
        self.proc = None
        self.log_since = 0



class Ensemble:
    """``size`` ZooKeeper servers (``QuorumPeerMain``) forming one quorum on this host."""

    def __init__(self, size=3, host="127.0.0.1", tick_ms=200, reaper=None, listen=None):
        if size < 1:
            raise ValueError("an ensemble needs at least one server")
        self.size = size
        self.host = host
        self.listen = listen or host
        self.tick_ms = tick_ms
        self._reaper = reaper
        self._base = None
        self._servers = []
        self._dist = None
        #: seconds from start() until every server was leader or follower
        self.startup_seconds = None

    @property
    def servers(self):
        return list(self._servers)

    @property
    def base_dir(self):
        return self._base

    @property
    def connect_string(self):
        return ",".join(s.address for s in self._servers)

    def server(self, i):
        if not 1 <= i <= len(self._servers):
            raise IndexError(f"no server {i} in an ensemble of {self.size}")
        return self._servers[i - 1]

    def mode(self, i):
        return self.server(i).mode()

    def leader(self):
        """The 1-based index of the current leader, or None."""
        for s in self._servers:
            if s.running and s.mode() == "leader":
                return s.index
        return None

    def __repr__(self):
        return f"<Ensemble {self.connect_string or '(not started)'}>"

    # -- life cycle
    def _layout(self):
        ports = _free_ports(self.host, 3 * self.size)
        self._servers = []
        for i in range(1, self.size + 1):
            data_dir = os.path.join(self._base, f"zk{i}")
            os.makedirs(data_dir, exist_ok=True)
            client, peer, election = ports[3 * (i - 1): 3 * i]
            self._servers.append(EnsembleServer(i, self.host, client, peer, election, data_dir))
        for s in self._servers:
            settings = _common_settings(self.tick_ms)
            settings.update(
                dataDir=s.data_dir, clientPort=s.port, clientPortAddress=self.listen,
                initLimit=10, syncLimit=5, standaloneEnabled="false",
                reconfigEnabled="false")
            for t in self._servers:
                settings[f"server.{t.index}"] = f"{self.host}:{t.peer_port}:{t.election_port}"
            _write_configs(s.data_dir, settings)
            _write(os.path.join(s.data_dir, "myid"), f"{s.index}\n")

    def start(self, timeout=60):
        """Launch every server and wait until each is leader or follower."""
        if any(s.running for s in self._servers):
            raise RuntimeError("ensemble already started")
        self._dist = find_distribution()
        began = time.monotonic()
        self._base = tempfile.mkdtemp(prefix="clustersim-ensemble-")
        if self._reaper:
            self._reaper.watch_path(self._base)
        _track(self, True)
        try:
            for attempt in range(3):
                self._layout()
                for s in self._servers:
                    self._launch(s)
                error = self._wait_all(began + timeout)
                if error is None:
                    break
                bind_failed = any(_bind_failure(s.data_dir, self.host, p)
                                  for s in self._servers if not s.running
                                  for p in (s.port, s.peer_port, s.election_port))
                for s in self._servers:
                    self._halt(s, kill=True)
                if not bind_failed or attempt == 2:
                    raise ZooKeeperUnavailable(error)
                for s in self._servers:                 # a port was taken: new ports
                    shutil.rmtree(s.data_dir, ignore_errors=True)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def _launch(self, s):
        s.log_since = _log_size(s.data_dir)
        s.proc = _launch(self._dist, "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                         s.data_dir)
        if self._reaper:
            self._reaper.watch_pid(s.proc.pid)

    def _halt(self, s, kill=False, timeout=5.0):
        if s.proc is None:
            return
        pid = s.proc.pid
        if kill:
            _kill_process(s.proc)
        else:
            _stop_process(s.proc, timeout)
        if self._reaper:
            self._reaper.forget_pid(pid)

    def _wait_all(self, deadline, servers=None):
        """None when all ``servers`` are leader/follower, else a one-line reason."""
        pending = list(servers or self._servers)
        while pending:
            for s in list(pending):
                code = s.proc.poll()
                if code is not None:
                    return (f"ZooKeeper server {s.index} exited with code {code} while "
                            f"starting on {s.address}: {_last_log_line(s.data_dir, s.log_since)}")
                if s.mode() in ("leader", "follower", "observer"):
                    pending.remove(s)
            if not pending:
                return None
            if time.monotonic() > deadline:
                s = pending[0]
                return (f"ZooKeeper server {s.index} on {s.address} did not join a quorum "
                        f"in time: {_last_log_line(s.data_dir, s.log_since)}")
            time.sleep(0.05)
        return None

    def stop(self):
        """Stop every server and remove all their data."""
        for s in self._servers:
            self._halt(s)
        if self._base and os.path.isdir(self._base):
            shutil.rmtree(self._base, ignore_errors=True)
        if self._reaper and self._base:
            self._reaper.forget_path(self._base)
        _track(self, False)

    def stop_server(self, i, timeout=5.0):
        """SIGTERM (then SIGKILL) server ``i``; its data stays for start_server()."""
        self._halt(self.server(i), timeout=timeout)

    def kill_server(self, i):
        """SIGKILL server ``i``, as a crash would."""
        self._halt(self.server(i), kill=True)

    def start_server(self, i, wait=True, timeout=30.0):
        """Restart server ``i`` with its old ports and data.

        With ``wait`` it returns once the server is leader or follower again,
        which needs a quorum: pass ``wait=False`` while a majority is down.
        """
        s = self.server(i)
        if s.running:
            return s
        if self._dist is None:
            raise RuntimeError("ensemble not started")
        self._launch(s)
        if wait:
            error = self._wait_all(time.monotonic() + timeout, [s])
            if error is not None:
                self._halt(s, kill=True)
                raise ZooKeeperUnavailable(error)
        return s

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --------------------------------------------------------------------------
# clustersim zk


def run_foreground(port=2181, listen="127.0.0.1", tick_ms=2000):
    """Serve ZooKeeper on ``listen:port`` until SIGINT/SIGTERM; returns an exit code."""
    if not _port_free(listen, port):
        raise PortInUse(
            f"port {port} on {listen} is already in use (another ZooKeeper?): "
            f"stop it or choose another port")
    from cluster_sim.reaper import Reaper   # cleans up even if we are SIGKILLed

    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    reaper = Reaper.start()
    server = ZooKeeperServer(port=port, listen=listen, tick_ms=tick_ms, reaper=reaper,
                             host=_connectable(listen))
    try:
        server.start()
        version = _short_version(server.host, server.port) or "3.8"
        print(f"ZooKeeper {version} serving on {listen}:{port} (Ctrl-C to stop)", flush=True)
        while not stop.wait(0.5):
            if not server.running:
                print(f"ZooKeeper exited: {_last_log_line(server.data_dir)}", flush=True)
                return 1
        return 0
    finally:
        server.stop()
        reaper.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
