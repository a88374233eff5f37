Rails.application.routes.draw do
  root "home#index"
  post "/webhooks/stripe", to: "webhooks/stripe#create"
  post "/webhooks/twilio/status", to: "webhooks/twilio#status"
end
