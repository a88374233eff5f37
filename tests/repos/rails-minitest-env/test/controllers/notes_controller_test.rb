require "test_helper"

class NotesControllerTest < ActionDispatch::IntegrationTest
  test "lists notes in every locale" do
    %w[/notes /fr/notes].each do |path|
      get path
      assert_response :ok
    end
  end
end
