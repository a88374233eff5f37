module Intercom
  class Client
    def token = ENV["INTERCOM_ACCESS_TOKEN"]
  end
end
