class Webhooks::GithubEventsController < ApplicationController
  def create
    head :no_content
  end
end
