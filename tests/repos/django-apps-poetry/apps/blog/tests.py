def test_home(client):
    assert client.get("/").content == b"blog"
