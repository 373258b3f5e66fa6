"""The asking side of a request through ZooKeeper when its connection drops: a create whose
answer was lost (the server stopped right then) may have landed, and the taker must still find
the request once. Real ZooKeeper; only the answer is lost, by a thin wrapper of a real client."""

from kazoo.exceptions import ConnectionLoss

from cluster_sim.protocol import remote_requests as rr


class _LostAnswer:
    """A real client whose first create lands, but whose answer is lost (ConnectionLoss)."""

    def __init__(self, client):
        self.client, self.lost = client, False

    def __getattr__(self, name):
        return getattr(self.client, name)

    def create(self, *args, **kwargs):
        path = self.client.create(*args, **kwargs)
        if not self.lost:
            self.lost = True
            raise ConnectionLoss()
        return path


def test_a_request_whose_create_lost_its_answer_is_asked_once(zk_client):
    card = rr.Card(session=1, pid=2, host="h", relays=False, since=0.0)
    path = rr.ask(_LostAnswer(zk_client), "app7", "kill", {"hard": False}, to=card, by="t")
    asked = [rr.mailbox("app7") + "/" + child for child in zk_client.get_children(rr.mailbox("app7"))]
    assert asked == [path]
    other = rr.ask(zk_client, "app7", "kill", {"hard": True}, to=card, by="t")   # a second request is its own
    assert sorted(asked + [other]) == sorted(rr.mailbox("app7") + "/" + child
                                             for child in zk_client.get_children(rr.mailbox("app7")))
