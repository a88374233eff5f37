from django.test import SimpleTestCase


class PingTests(SimpleTestCase):
    def test_ping(self):
        self.assertEqual(self.client.get("/ping/").json(), {"ok": True})
