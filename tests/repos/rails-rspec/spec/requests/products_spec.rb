require "rails_helper"

RSpec.describe "Products", type: :request do
  it "lists the products" do
    get "/products"
    expect(response).to have_http_status(:ok)
    expect(JSON.parse(response.body).first["name"]).to eq("Mug")
  end

  it "answers 404 for an unknown product" do
    get "/products/2"
    expect(response).to have_http_status(:not_found)
  end
end
