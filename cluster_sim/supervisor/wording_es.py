"""The events in Spanish: wording.py's English table, translated (the original course was in Spanish).

    from cluster_sim.supervisor.wording import describe
    describe(NodeKilled(ts=t, node="3", hard=True, was_leader=True), "es")
    # "nodo 3 (el líder) matado de golpe (SIGKILL)"

One entry per kind of event, as in wording.py; a kind missing here is
worded in English. Proper names stay as they are (ZooKeeper, API, SIGKILL,
the connection states SUSPENDED and LOST, command names); numbers take a
decimal comma and no thousands separator (the event log is copied into
scripts).
"""

from typing import Callable, Dict, Optional

from cluster_sim.lang import hhmmss, listing, number, plural, seconds, span
from cluster_sim.supervisor import events as ev

__all__ = ["TABLE", "why"]


def _g(x: Optional[float]) -> str:
    return "?" if x is None else seconds("es", x)


def _rondas(n: Optional[int]) -> str:
    return plural("{n} ronda", "{n} rondas", n)


def _el_lider(was_leader: bool) -> str:
    return " (el líder)" if was_leader else ""


def _stopped(e: ev.NodeStopped) -> str:
    if e.requested == "SIGKILL" or e.signal == "SIGKILL":
        return (f"nodo {e.node} muerto (SIGKILL): ZooKeeper se entera cuando caduca su sesión, "
                f"{_g(e.session_timeout)} s después de su último latido")
    if not e.crashed:
        return f"nodo {e.node} parado (salida {e.exit})"
    return f"nodo {e.node} caído (salida {e.exit}); su registro: {e.log_path}"


_HOW = {"left": "se fuera", "crashed": "cayera", "paused": "se congelara", "partitioned": "quedara aislado"}


def _elected(e: ev.LeaderElected) -> str:
    if e.original:
        return f"líder elegido: {e.node} (un nodo del diseño original: sin fencing, sin rondas)"
    text = f"líder elegido: {e.node} (época {e.epoch}"
    if e.failover_ms is not None and e.after is not None:
        text += f", relevo en {e.failover_ms} ms después de que {e.after} {_HOW.get(e.how or 'left', e.how)}"
    return text + ")"


_WHY = {
    "session_expired": "su sesión de ZooKeeper caducó",
    "fenced": "fencing (la época avanzó o su znode de elección ya no existe)",
}


def why(e: ev.SteppedDown) -> str:
    """Why a leader stepped down, as a phrase."""
    if e.code == "error":
        return f"{e.error or 'un error'} al hablar con ZooKeeper"
    if e.code == "internal_error":
        return f"error interno {e.error} (la traza está en el registro del nodo)"
    return _WHY.get(e.code) or "se retiró"


def _dropped(e: ev.OutboxDropped) -> str:
    full = "bandeja de salida llena" + ("" if e.bound is None else f" ({e.bound})")
    if not e.rounds:
        return f"nodo {e.node}: {full}: {e.total} rondas descartadas en total"
    dropped = plural("descartada la ronda", "descartadas las rondas", len(e.rounds))
    return f"nodo {e.node}: {full}: {dropped} {span(e.rounds[0], e.rounds[-1])}, {e.total} en total"


_SAID: Dict[str, Callable[[ev.NodeSaid], str]] = {
    "waiting_for_id": lambda e: f"nodo {e.node}: espera a que caduque la sesión anterior de su id",
    "id_taken": lambda e: f"el nodo {e.node} ya está en marcha en este clúster: elige otro id",
    "no_auth": lambda e: (f"nodo {e.node}: ZooKeeper lo rechaza: el clúster está protegido, pásale su secreto "
                          "(--secret o CLUSTERSIM_SECRET)"),
    "layout_locked": lambda e: f"nodo {e.node}: los znodes del clúster pertenecen a otro secreto",
    "zk_unreachable": lambda e: f"nodo {e.node}: no llega a ZooKeeper",
    "election_interrupted": lambda e: f"nodo {e.node}: elección interrumpida ({e.error}); vuelve a presentarse",
    "id_taken_over": lambda e: f"nodo {e.node}: otro proceso le ha quitado su id",
    "publish_failed": lambda e: f"nodo {e.node}: no ha podido publicar ({e.error})",
    "adopted": lambda e: (f"nodo {e.node}: adopta "
                          + plural("{n} ronda sin entregar", "{n} rondas sin entregar", e.count)
                          + " de la bandeja de salida"),
    "rounds_lost": lambda e: (f"nodo {e.node}: {plural('la ronda', 'las rondas', 1 if e.round == e.last else 2)} "
                              f"{span(e.round, e.last)} quedan fuera del histórico de lecturas: perdidas"),
    "unsafe": lambda e: f"nodo {e.node}: INSEGURO: lidera sin guarda ni fencing, como el diseño original",
    "reading_skipped": lambda e: f"nodo {e.node}: ignora la lectura del nodo {e.member} ({e.error})",
    "round_partial": lambda e: (f"nodo {e.node}: ronda {e.round} guardada incompleta: "
                                + plural("{n} miembro no se puso al día", "{n} miembros no se pusieron al día",
                                         len(e.members))
                                + f" a tiempo ({listing(e.members)})"),
    "sender_error": lambda e: f"nodo {e.node}: el emisor falló ({e.error})",
    "token_refused": lambda e: f"nodo {e.node}: la API rechaza su token (401): ¿es el --secret del clúster?",
    "round_refused": lambda e: f"nodo {e.node}: la API rechaza la ronda {e.round} ({e.error}): descartada",
    "plain_api": lambda e: (f"nodo {e.node}: la API no responde con el JSON de clustersim: "
                            "una ronda reenviada puede guardarse dos veces"),
}


def _said(e: ev.NodeSaid) -> str:
    render = _SAID.get(e.code)
    return render(e) if render is not None else f"nodo {e.node}: {e.message}"


_TARGET = {"zk": "ZooKeeper", "api": "la API", "all": "ZooKeeper y la API"}


def _partitioned(e: ev.Partitioned) -> str:
    text = f"nodo {e.node}{_el_lider(e.was_leader)} aislado de {_TARGET.get(e.target, e.target)}"
    if e.target == "zk":
        text += " (sigue llegando a la API)"
    elif e.target == "api":
        text += " (ZooKeeper sigue respondiéndole)"
    if e.target != "api" and e.session_timeout:
        text += f": su sesión caduca en {_g(e.session_timeout)} s si no se repara la red"
    return text


def _slowed(e: ev.Slowed) -> str:
    jitter = f" ±{_g(e.jitter_ms)}" if e.jitter_ms else ""
    text = (f"nodo {e.node}: sus enlaces con {_TARGET.get(e.target, e.target)} ralentizados: "
            f"{_g(e.latency_ms)}{jitter} ms en cada sentido")
    if e.target != "api" and e.session_timeout:
        from cluster_sim.netfault.faults import zk_round_trip_limit

        trip, limit = 2 * (e.latency_ms + e.jitter_ms) / 1000, zk_round_trip_limit(e.session_timeout)
        if trip > limit:
            text += (f"; un viaje de ida y vuelta de hasta {_g(trip)} s es más de lo que tolera una sesión de "
                     f"{_g(e.session_timeout)} s ({_g(round(limit, 2))} s): su conexión con ZooKeeper se cortará")
    return text
_SHUTDOWN = {"demo finished": "fin de la demostración", "demo interrupted": "demostración interrumpida",
             "demo failed": "la demostración falló", "stop": "parada"}
_UNSAVED = {"API down": "API caída", "no leader": "sin líder", "not delivered in time": "no entregadas a tiempo"}


def _drain_ended(e: ev.DrainEnded) -> str:
    if not e.rounds:
        return "bandeja de salida vacía: todas las rondas entregadas"
    if e.skipped:
        return f"sin esperar más: {_rondas(e.rounds)} siguen en la bandeja de salida"
    return f"{_rondas(e.rounds)} siguen en la bandeja de salida tras {_g(e.timeout)} s"


def _settle_ended(e: ev.SettleEnded) -> str:
    if e.why:
        return f"no se puede saber si todas las rondas publicadas están calculadas ({e.why}): sin esperar más"
    if not e.uncomputed:
        return ("todas las rondas que publicaron los nodos están calculadas: entregadas o en la bandeja de salida"
                + (f" (la última: ronda {e.last})" if e.last is not None else ""))
    what = f"{_rondas(e.uncomputed)} publicadas por los nodos ({span(e.first, e.last)})"
    if e.skipped:
        return f"sin esperar más: {what} aún sin calcular"
    return f"{what} siguen sin calcular tras {_g(e.timeout)} s"


def _uncomputed(e: ev.RoundsUncomputed) -> str:
    return (f"{_rondas(e.count)} publicadas por los nodos nunca se calcularon ({span(e.first, e.last)}): no están "
            "ni en la API ni en un archivo guardado; " + (
                "sus lecturas se pierden con el ZooKeeper embebido" if e.zk_embedded
                else f"sus lecturas siguen en ZooKeeper en {e.zk} para el próximo líder"))


def _saved(e: ev.RoundsSaved) -> str:
    what = f"{_rondas(e.count)} sin entregar ({_UNSAVED.get(e.reason, e.reason)})"
    if e.path is None:
        return (f"{what}: no se han podido guardar ({e.error})"
                + ("; se pierden con el ZooKeeper embebido" if e.zk_embedded
                   else f"; siguen en la bandeja de salida de {e.zk} para el próximo líder"))
    line = f"{what}: guardadas en {e.path}; envíalas más tarde con: clustersim deliver {e.path}"
    if not e.zk_embedded:
        line += (f" (también siguen en la bandeja de salida de {e.zk}, así que el próximo líder las entregará: "
                 "la API guarda cada ronda una sola vez, enviarla dos veces no hace daño)")
    return line


TABLE: Dict[type, Callable] = {
    ev.NodeStarted: lambda e: f"nodo {e.node} arrancado (pid {e.pid})",
    ev.NodeKilled: lambda e: (f"nodo {e.node}{_el_lider(e.was_leader)} "
                              + ("matado de golpe (SIGKILL)" if e.hard else "parado (SIGTERM)")),
    ev.NodePaused: lambda e: (f"nodo {e.node}{_el_lider(e.was_leader)} congelado (SIGSTOP): "
                              f"su sesión caduca {_g(e.session_timeout)} s después de su último latido"),
    ev.NodeResumed: lambda e: f"nodo {e.node} despierta (SIGCONT)",
    ev.NodeStopped: _stopped,
    ev.Suspended: lambda e: f"nodo {e.node}: conexión con ZooKeeper en SUSPENDED",
    ev.SessionExpired: lambda e: f"nodo {e.node}: conexión con ZooKeeper en LOST (su sesión caducó)",
    ev.Reconnected: lambda e: (f"nodo {e.node}: vuelve la conexión con ZooKeeper"
                               + ("" if e.same_session else " (con una sesión nueva)")),
    ev.SteppedDown: lambda e: f"nodo {e.node}: deja de ser líder (época {e.epoch}): {why(e)}",
    ev.Fenced: lambda e: f"nodo {e.node}: la API rechaza su época {e.epoch} (fencing, 409); deja de ser líder",
    ev.OutboxDropped: _dropped,
    ev.ApiDown: lambda e: (f"el líder {e.node} no puede acceder a la API" + (f" en {e.url}" if e.url else "")
                           + f" desde las {hhmmss(e.since or e.ts)}" + (f" ({e.error})" if e.error else "")
                           + "; las rondas esperan en su bandeja de salida"),
    ev.ApiBack: lambda e: (f"la API ha vuelto: {plural('{n} ronda entregada', '{n} rondas entregadas', e.delivered)}"
                           if e.delivered is not None
                           else f"el líder {e.node} vuelve a acceder a la API" + (f" en {e.url}" if e.url else "")
                           + ": su bandeja de salida se vacía"),
    ev.NodeSaid: _said,
    ev.ZkConnection: lambda e: ("supervisor conectado a ZooKeeper" if e.connected
                                else "el supervisor ha perdido su conexión con ZooKeeper"),
    ev.RemoteJoined: lambda e: f"nodo remoto {e.node} se une" + (f" desde {e.host}" if e.host else ""),
    ev.RemoteLeft: lambda e: f"nodo remoto {e.node} se va",
    ev.UnreadableReading: lambda e: f"nodo {e.node}: publica una lectura ilegible ({e.why}): se ignora",
    ev.LeaderElected: _elected,
    ev.LeaderLost: lambda e: f"sin líder: {e.node} ya no está, elección en curso",
    ev.SplitBrain: lambda e: f"dos líderes actuando a la vez: {' y '.join(e.nodes)}",
    ev.Partitioned: _partitioned,
    ev.Healed: lambda e: f"nodo {e.node} reparado: vuelve a llegar a {_TARGET.get(e.target, e.target)}",
    ev.Slowed: _slowed,
    ev.ApiStopped: lambda e: "API parada",
    ev.ApiStarted: lambda e: "API arrancada",
    ev.ZkServerStopped: lambda e: f"servidor ZooKeeper {e.index} parado",
    ev.ZkServerStarting: lambda e: f"servidor ZooKeeper {e.index} arrancando",
    ev.ZkServerPaused: lambda e: (f"servidor ZooKeeper {e.index} congelado (SIGSTOP): no responde, "
                                  "las conexiones de sus clientes siguen abiertas"),
    ev.ZkServerResumed: lambda e: f"servidor ZooKeeper {e.index} reanudado (SIGCONT)",
    ev.ClusterStarted: lambda e: (f"clúster {e.name!r}: ZooKeeper {e.zk}, API {e.api_url}, "
                                  + plural("{n} nodo", "{n} nodos", e.nodes)
                                  + f", intervalo {_g(e.interval)} s, tiempo de sesión {_g(e.session_timeout)} s"),
    ev.ClusterOpen: lambda e: ("sin --secret: el clúster está abierto, como el original (cualquiera que llegue "
                               "a ZooKeeper puede cambiarlo)"),
    ev.JoinCommand: lambda e: f"los estudiantes se unen con: {e.command}",
    ev.WebViewStarted: lambda e: f"vista web (solo lectura, para el proyector y los estudiantes): {e.url}",
    ev.RecordingWritten: lambda e: (f"grabación escrita: {e.path} ({number('es', e.size / 1e6, 1)} MB; "
                                    f"ábrela en un navegador, o clustersim replay {e.path})"),
    ev.ShuttingDown: lambda e: f"apagando ({_SHUTDOWN.get(e.why, e.why)})",
    ev.SettleStarted: lambda e: (plural("{n} nodo dejó", "{n} nodos dejaron", e.count) + " de medir; el líder "
                                 f"calcula todas las rondas que publicaron (hasta {_g(e.timeout)} s; "
                                 "Ctrl-C otra vez para no esperar)..."),
    ev.SettleEnded: _settle_ended,
    ev.RoundsUncomputed: _uncomputed,
    ev.DrainStarted: lambda e: (f"entregando {_rondas(e.rounds)} que quedan en la bandeja de salida "
                                f"(hasta {_g(e.timeout)} s; Ctrl-C otra vez para no esperar)..."),
    ev.DrainEnded: _drain_ended,
    ev.OutboxUncounted: lambda e: (f"no se puede contar la bandeja de salida ({e.why}): "
                                   + ("sin esperar más" if e.draining else "sin esperar a las entregas")),
    ev.RoundsSaved: _saved,
    ev.OutboxUnread: lambda e: (f"no se ha podido leer la bandeja de salida para guardar las rondas sin entregar: "
                                f"{e.why}"
                                + ("; las que hubiera se pierden con el ZooKeeper embebido" if e.zk_embedded
                                   else f"; las que hubiera siguen en {e.zk} para el próximo líder")),
    ev.Narration: lambda e: e.title,
    ev.ListenerFailed: lambda e: f"{e.listener} falló: {e.error}",
    ev.Notice: lambda e: "" if e.message is None else str(e.message),
}
