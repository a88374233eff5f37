require "test_helper"

class RoutingTest < ActionDispatch::IntegrationTest
  test "health answers" do
    get "/health"
    assert_response :ok
  end

  test "unknown paths get the 404 page, whatever the verb" do
    post "/no/such/page"
    assert_response :not_found
  end

  test "github deliveries reach their controller" do
    post "/webhooks/github"
    assert_response :no_content
  end
end
