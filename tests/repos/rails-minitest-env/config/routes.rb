Rails.application.routes.draw do
  scope "(:locale)", locale: /en|fr/ do
    resources :notes, only: [:index]
  end
end
