Rails.application.routes.draw do
  resources :products, only: %i[index show]

  namespace :api do
    namespace :v1 do
      post "orders", to: "orders#create"
    end
  end

  root "products#index"
end
