class ProductsController < ApplicationController
  PRODUCTS = [{ "id" => "1", "name" => "Mug" }].freeze

  def index
    render json: PRODUCTS
  end

  def show
    product = PRODUCTS.find { |p| p["id"] == params[:id] }
    product ? render(json: product) : head(:not_found)
  end
end
