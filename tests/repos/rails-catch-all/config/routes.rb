Support::Application.routes.draw do
  get "health", to: "health#show"

  namespace :webhooks do
    post "github", to: "github_events#create"
  end

  root to: "health#show"

  # Anything else gets the 404 page: keep this last.
  match "*path", to: "errors#not_found", via: :all
end
