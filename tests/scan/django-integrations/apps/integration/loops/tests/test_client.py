def test_send_event():
    assert True
