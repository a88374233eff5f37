Rails.application.routes.draw do
  devise_for :users
  namespace :webhooks do
    post :stripe, to: "stripe#create"
    resources :intercom, only: [:create]
  end
  get "/up", to: "rails/health#show"
end
