class NotesController < ApplicationController
  def index
    render json: [{ "title" => "first" }]
  end
end
