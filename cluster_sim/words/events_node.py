"""A node's warnings in the event log (NodeSaid, one entry per code: "ev.said.<code>"), in English and
Spanish side by side.

    from cluster_sim.presentation.wording import describe
    describe(NodeSaid(ts=t, node="3", code="id_taken"), "es")
    # "el nodo 3 ya está en marcha en este clúster: elige otro id"

A code with no entry is worded "ev.said" with the node's own message.
"""

from typing import Dict

ENTRIES: Dict[str, Dict[str, str]] = {
    "ev.said": {"en": "node {node}: {message}", "es": "nodo {node}: {message}"},
    "ev.said.waiting_for_id": {"en": "node {node} waits for the previous session of its id to expire",
                               "es": "nodo {node}: espera a que caduque la sesión anterior de su id"},
    "ev.said.id_taken": {"en": "node {node} is already running in this cluster: pick another id",
                         "es": "el nodo {node} ya está en marcha en este clúster: elige otro id"},
    "ev.said.no_auth": {
        "en": "node {node}: ZooKeeper refused it: the cluster is protected, pass its secret (--secret or "
              "CLUSTERSIM_SECRET)",
        "es": "nodo {node}: ZooKeeper lo rechaza: el clúster está protegido, pásale su secreto (--secret o "
              "CLUSTERSIM_SECRET)",
    },
    "ev.said.layout_locked": {"en": "node {node}: the cluster's znodes belong to another secret",
                              "es": "nodo {node}: los znodes del clúster pertenecen a otro secreto"},
    "ev.said.zk_waiting": {"en": "node {node} waits for ZooKeeper to answer (its quorum lost?)",
                           "es": "nodo {node}: espera a que ZooKeeper responda (¿sin quórum?)"},
    "ev.said.zk_unreachable": {"en": "node {node}: cannot reach ZooKeeper", "es": "nodo {node}: no llega a ZooKeeper"},
    "ev.said.zk_refused": {
        "en": ("node {node}: ZooKeeper at {error} refuses it: too many connections from this address "
               "(raise maxClientCnxns in its zoo.cfg; 0 = no limit)"),
        "es": ("nodo {node}: ZooKeeper en {error} lo rechaza: demasiadas conexiones desde esta dirección "
               "(sube maxClientCnxns en su zoo.cfg; 0 = sin límite)"),
    },
    "ev.said.election_interrupted": {"en": "node {node}: election interrupted ({error}); rejoining",
                                     "es": "nodo {node}: elección interrumpida ({error}); vuelve a presentarse"},
    "ev.said.id_taken_over": {"en": "node {node}: its id was taken by another process",
                              "es": "nodo {node}: otro proceso le ha quitado su id"},
    "ev.said.publish_failed": {"en": "node {node}: publishing failed ({error})",
                               "es": "nodo {node}: no ha podido publicar ({error})"},
    "ev.said.adopted": {
        "en": "node {node} adopted {count} {count?undelivered round|undelivered rounds} from the outbox",
        "es": "nodo {node}: adopta {count} {count?ronda sin entregar|rondas sin entregar} de la bandeja de salida",
    },
    "ev.said.rounds_lost": {
        "en": "node {node}: {count?round|rounds} {span} beyond the readings' history: lost",
        "es": "nodo {node}: {count?la ronda|las rondas} {span} quedan fuera del histórico de lecturas: perdidas",
    },
    "ev.said.unsafe": {"en": "node {node}: UNSAFE: leading without guard or fencing, as the original design",
                       "es": "nodo {node}: INSEGURO: lidera sin guarda ni fencing, como el diseño original"},
    "ev.said.reading_skipped": {"en": "node {node} skips node {member}'s reading: {error}",
                                "es": "nodo {node}: ignora la lectura del nodo {member} ({error})"},
    "ev.said.round_partial": {
        "en": "node {node}: round {round} stored partial: {count} {count?member|members} had not caught up by "
              "its deadline ({members})",
        "es": "nodo {node}: ronda {round} guardada incompleta: {count} {count?miembro no se puso al día|miembros "
              "no se pusieron al día} a tiempo ({members})",
    },
    "ev.said.sender_error": {"en": "node {node}: sender: {error}", "es": "nodo {node}: el emisor falló ({error})"},
    "ev.said.token_refused": {"en": "node {node}: the API refused its token (401): is it the cluster's --secret?",
                              "es": "nodo {node}: la API rechaza su token (401): ¿es el --secret del clúster?"},
    "ev.said.round_refused": {"en": "node {node}: the API refused round {round} ({error}): dropped",
                              "es": "nodo {node}: la API rechaza la ronda {round} ({error}): descartada"},
    "ev.said.plain_api": {
        "en": "node {node}: the API does not answer in clustersim's JSON: re-sent rounds may be stored twice",
        "es": "nodo {node}: la API no responde con el JSON de clustersim: una ronda reenviada puede guardarse dos "
              "veces",
    },
}
